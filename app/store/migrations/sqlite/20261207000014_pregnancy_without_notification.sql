-- A pregnancy can be on file without a 妊娠届出: one that ended in a miscarriage or stillbirth after
-- the heartbeat's confirmation before a notification was made, recorded so that both 支援給付
-- claims stay open. Its notified_on then holds the day the pregnancy ended, and the figures do not
-- count it as a notification.
ALTER TABLE pregnancies ADD COLUMN without_notification INTEGER NOT NULL DEFAULT 0;
