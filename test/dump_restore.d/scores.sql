-- user rows of the credit policy: one overriding a shipped class, one changed in place
INSERT INTO ar_credit.credit_policy VALUES ('A', '45D+CM', 0, 2);
UPDATE ar_credit.credit_policy SET deposit_pct = 30 WHERE risk_class = 'D';
