-- A parent can take reminders by e-mail (a device that cannot take push: an iPhone's browser
-- before the app is added to the home screen). The channel is kept beside the push devices, with
-- the address as a `mailto:` endpoint, so e-mail shares the outbox, its retries and its failures.
ALTER TABLE push_subscriptions ADD COLUMN channel TEXT NOT NULL DEFAULT 'web_push' CHECK (channel IN ('web_push', 'email'));
