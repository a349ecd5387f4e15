-- Payout minimums for the currencies freelancers are most often paid in beyond the first
-- seeding, each about 10 US dollars (README, "Payouts"); without a row a currency cannot be
-- withdrawn at all.
INSERT INTO payout_minimums (currency, min_minor_units) VALUES
  ('PHP', 50000), ('PKR', 300000), ('BDT', 120000), ('NGN', 1500000), ('KES', 150000),
  ('UAH', 40000), ('PLN', 4000), ('EGP', 50000), ('IDR', 15000000), ('VND', 250000),
  ('ZAR', 20000)
ON CONFLICT (currency) DO NOTHING;
