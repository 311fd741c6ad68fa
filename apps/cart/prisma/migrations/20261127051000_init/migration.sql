-- CreateTable
CREATE TABLE "outbox_message" (
    "sequence" BIGSERIAL NOT NULL,
    "message_id" UUID NOT NULL,
    "partition_key" TEXT NOT NULL,
    "slice" SMALLINT NOT NULL,
    "intent" VARCHAR(8) NOT NULL,
    "message_type" TEXT NOT NULL,
    "exchange" TEXT,
    "routing_key" TEXT,
    "queue" TEXT,
    "metadata" JSONB NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "pending" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "outbox_message_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "inbox_message" (
    "message_id" TEXT NOT NULL,
    "consumer" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_message_pkey" PRIMARY KEY ("message_id","consumer")
);

-- CreateTable
CREATE TABLE "product" (
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL,

    CONSTRAINT "product_pkey" PRIMARY KEY ("sku")
);

-- CreateTable
CREATE TABLE "cart" (
    "id" UUID NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "customer_email" TEXT,
    "order_id" UUID,
    "abandon_check" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "touched_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "checked_out_at" TIMESTAMPTZ(3),

    CONSTRAINT "cart_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cart_item" (
    "cart_id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price_cents" INTEGER NOT NULL,

    CONSTRAINT "cart_item_pkey" PRIMARY KEY ("cart_id","sku")
);

-- CreateTable
CREATE TABLE "checkout_request" (
    "idempotency_key" TEXT NOT NULL,
    "cart_id" UUID NOT NULL,
    "request_hash" TEXT NOT NULL,
    "order_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checkout_request_pkey" PRIMARY KEY ("idempotency_key")
);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_message_message_id_key" ON "outbox_message"("message_id");

-- CreateIndex
CREATE INDEX "outbox_message_pending_idx" ON "outbox_message"("pending", "sequence");

-- CreateIndex
CREATE INDEX "outbox_message_retry_idx" ON "outbox_message"("pending", "next_attempt_at");

-- CreateIndex
CREATE INDEX "inbox_message_received_idx" ON "inbox_message"("received_at");

-- CreateIndex
CREATE UNIQUE INDEX "cart_order_id_key" ON "cart"("order_id");

-- AddForeignKey
ALTER TABLE "cart_item" ADD CONSTRAINT "cart_item_cart_id_fkey" FOREIGN KEY ("cart_id") REFERENCES "cart"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cart_item" ADD CONSTRAINT "cart_item_sku_fkey" FOREIGN KEY ("sku") REFERENCES "product"("sku") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checkout_request" ADD CONSTRAINT "checkout_request_cart_id_fkey" FOREIGN KEY ("cart_id") REFERENCES "cart"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

