-- The retry index leads with attempts, so that the relay's look-up of rows waiting out a retry
-- delay no longer reads every scheduled message.

-- DropIndex
DROP INDEX "outbox_message_retry_idx";

-- CreateIndex
CREATE INDEX "outbox_message_retry_idx" ON "outbox_message"("pending", "attempts", "next_attempt_at");
