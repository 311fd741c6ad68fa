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
CREATE TABLE "order_contact" (
    "order_id" UUID NOT NULL,
    "email" TEXT NOT NULL,

    CONSTRAINT "order_contact_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" UUID NOT NULL,
    "channel" VARCHAR(16) NOT NULL,
    "priority" VARCHAR(8) NOT NULL,
    "recipient" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "cause" TEXT NOT NULL,
    "order_id" UUID,
    "correlation_id" TEXT NOT NULL,
    "delivered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_entry" (
    "sequence" BIGSERIAL NOT NULL,
    "message_id" TEXT NOT NULL,
    "message_type" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "correlation_id" TEXT NOT NULL,
    "conversation_id" TEXT NOT NULL,
    "causation_id" TEXT,
    "sent_at" TIMESTAMPTZ(3) NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_entry_pkey" PRIMARY KEY ("sequence")
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
CREATE INDEX "notification_recipient_delivered_at_idx" ON "notification"("recipient", "delivered_at");

-- CreateIndex
CREATE UNIQUE INDEX "audit_entry_message_id_key" ON "audit_entry"("message_id");

-- CreateIndex
CREATE INDEX "audit_entry_correlation_id_sent_at_idx" ON "audit_entry"("correlation_id", "sent_at");

