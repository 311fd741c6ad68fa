-- The shop's catalogue (data, written by hand): what the demo and the tests put in carts.
INSERT INTO "product" ("sku", "name", "price_cents") VALUES
  ('MUG-BLUE', 'Blue enamel mug', 1290),
  ('TEE-LOGO', 'Logo T-shirt', 2490),
  ('POSTER-MAP', 'Exchange map poster', 990),
  ('STICKERS', 'Sticker pack', 390),
  ('HOODIE', 'Hooded sweatshirt', 4990);
