-- The audit log seals personal data with a key per customer (forgetting a customer deletes it).
-- Rows written before this migration keep their payload in clear.
ALTER TABLE "audit_entry" ALTER COLUMN "payload" DROP NOT NULL,
  ADD COLUMN "sealed_payload" BYTEA,
  ADD COLUMN "customer_ref" TEXT,
  ADD COLUMN "customer_key_id" TEXT;

CREATE INDEX "audit_entry_customer_ref_idx" ON "audit_entry"("customer_ref");

CREATE TABLE "customer_key" (
    "customer_ref" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "data_key" BYTEA NOT NULL,
    "wrapping_key_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "customer_key_pkey" PRIMARY KEY ("customer_ref")
);
