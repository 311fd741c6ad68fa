-- Generated from apps/*/service.json by `npm run deploy:generate`; do not edit.
-- Runs once, when the Postgres volume is first initialised: one database per service.
CREATE DATABASE shop_cart;
CREATE DATABASE shop_order;
CREATE DATABASE shop_shipping;
CREATE DATABASE shop_notification;
