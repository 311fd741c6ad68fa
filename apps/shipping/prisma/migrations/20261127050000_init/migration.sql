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
CREATE TABLE "shipment" (
    "id" UUID NOT NULL,
    "order_id" UUID NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "recipient" TEXT NOT NULL,
    "street" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "postal_code" TEXT NOT NULL,
    "country" CHAR(2) NOT NULL,
    "item_count" INTEGER NOT NULL,
    "tracking_number" TEXT,
    "failure_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),

    CONSTRAINT "shipment_pkey" PRIMARY KEY ("id")
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
CREATE UNIQUE INDEX "shipment_order_id_key" ON "shipment"("order_id");

