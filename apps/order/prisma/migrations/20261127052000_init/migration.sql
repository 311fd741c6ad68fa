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
CREATE TABLE "order" (
    "id" UUID NOT NULL,
    "cart_id" UUID NOT NULL,
    "customer_email" TEXT NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "items_total_cents" INTEGER NOT NULL,
    "shipping_cents" INTEGER NOT NULL,
    "total_cents" INTEGER NOT NULL,
    "items" JSONB NOT NULL,
    "shipping_address" JSONB NOT NULL,
    "shipment_id" UUID,
    "tracking_number" TEXT,
    "deadline_message" UUID,
    "cancel_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_history" (
    "id" SERIAL NOT NULL,
    "order_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" VARCHAR(20) NOT NULL,
    "cause" TEXT NOT NULL,
    "note" TEXT,

    CONSTRAINT "order_history_pkey" PRIMARY KEY ("id")
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
CREATE INDEX "order_customer_email_idx" ON "order"("customer_email");

-- CreateIndex
CREATE INDEX "order_history_order_id_id_idx" ON "order_history"("order_id", "id");

-- AddForeignKey
ALTER TABLE "order_history" ADD CONSTRAINT "order_history_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

