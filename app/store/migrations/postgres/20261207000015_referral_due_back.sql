-- The day the centre expects an institution's answer to a referral by (回答期限); a referral
-- still proposed or referred after it is a task for the coordinator who made it.
ALTER TABLE referrals ADD COLUMN due_back_on TEXT;
CREATE INDEX referrals_waiting ON referrals (municipality_id, family_id) WHERE due_back_on IS NOT NULL AND status IN ('proposed', 'referred');
