-- Money rule 2, checked once per INSERT statement over all the legs it wrote, instead of twice
-- per leg at commit. A batch of movements appends all of its transfers in one statement
-- (ledger.cpp, AppendTransfers), and the per-leg check ran two queries for each of its legs.
--
-- The guarantee is unchanged: legs are only written together with their transfer, in one
-- statement; the check reads every leg of each transfer the statement touched, so a leg added to
-- an older transfer later is judged with all the others. (A transfer can no longer be balanced
-- across two statements of one transaction; nothing writes legs that way.)
DROP TRIGGER legs_balanced ON legs;
DROP FUNCTION check_transfer_balanced();

CREATE FUNCTION check_transfers_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A probe per new leg: the planner cannot tell how many rows a transition table holds, and
  -- a join may scan the whole accounts table instead.
  IF EXISTS (SELECT 1 FROM new_legs l
             WHERE l.currency <> (SELECT a.currency FROM accounts a WHERE a.id = l.account_id))
  THEN
    RAISE EXCEPTION 'a transfer has a leg in another currency than its account'
      USING ERRCODE = 'check_violation';
  END IF;
  -- LATERAL, for the same reason: each transfer's legs by index, never a scan of them all.
  IF EXISTS (SELECT 1 FROM (SELECT DISTINCT transfer_id FROM new_legs) AS t
             CROSS JOIN LATERAL (SELECT sum(amount) AS total FROM legs
                                 WHERE legs.transfer_id = t.transfer_id
                                 GROUP BY currency) AS per_currency
             WHERE per_currency.total <> 0) THEN
    RAISE EXCEPTION 'a transfer is not balanced' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER legs_balanced AFTER INSERT ON legs
  REFERENCING NEW TABLE AS new_legs
  FOR EACH STATEMENT EXECUTE FUNCTION check_transfers_balanced();
