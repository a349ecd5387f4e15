-- Weekly invoices of hourly contracts (issue 11, item 3). An invoice is a milestone of its hourly
-- contract with kind 'invoice', its week and minutes: funding, the review deadline, release by
-- the auto-approval worker, disputes and their resolution, the escrow summary and the ledger
-- check's per-contract held amounts all work on it unchanged. Its states: 'pending' while
-- payment is due (nothing held), 'submitted' while in review, then 'disputed', 'released' or
-- 'resolved' like any milestone.
ALTER TABLE contracts
  ADD COLUMN invoice_review_window_seconds BIGINT NOT NULL DEFAULT 432000
    CHECK (invoice_review_window_seconds > 0),
  -- The contract's test clock (AdvanceContractClock, sandbox only): how far the contract's work
  -- diary and week closing run ahead of database time. Always 0 in production.
  ADD COLUMN clock_offset_seconds BIGINT NOT NULL DEFAULT 0 CHECK (clock_offset_seconds >= 0);

ALTER TABLE milestones
  ADD COLUMN kind TEXT NOT NULL DEFAULT 'milestone' CHECK (kind IN ('milestone', 'invoice')),
  -- Invoices only: Monday 00:00 UTC of the invoiced week, the week's minutes and when the week
  -- was closed into the invoice.
  ADD COLUMN week_start TIMESTAMPTZ,
  ADD COLUMN minutes INTEGER CHECK (minutes > 0),
  ADD COLUMN issued_at TIMESTAMPTZ,
  ADD CONSTRAINT milestones_invoice_terms CHECK (
    (kind = 'invoice') = (week_start IS NOT NULL AND minutes IS NOT NULL AND issued_at IS NOT NULL));

-- A week whose minutes round to nothing (a rate under 60 minor units an hour and a few minutes)
-- still closes: into an invoice of zero, settled at once.
ALTER TABLE milestones DROP CONSTRAINT milestones_amount_check;
ALTER TABLE milestones ADD CONSTRAINT milestones_amount_check
  CHECK (amount > 0 OR (kind = 'invoice' AND amount = 0));

-- One invoice per contract and week, however many workers close weeks at once.
CREATE UNIQUE INDEX milestones_one_invoice_per_week ON milestones (contract_id, week_start)
  WHERE kind = 'invoice';
-- ListInvoices for operators (by state, newest week first) and the payment_due worker's scan.
CREATE INDEX milestones_invoices_by_state ON milestones (state, week_start DESC, id DESC)
  WHERE kind = 'invoice';

-- The invoice a time entry was closed into: set when its week closes, after which the entry
-- never changes. The partial index is the week-closing worker's scan: only entries not yet
-- invoiced.
ALTER TABLE time_entries ADD COLUMN invoice_id UUID REFERENCES milestones (id);
CREATE INDEX time_entries_to_invoice ON time_entries (week_start) WHERE invoice_id IS NULL;
