-- Rode Knop schema, version 5: what each report adds to the monthly figures, as one view.
--
-- stats_submissions (a report counts as received and open in the month it was sent) and
-- stats_transitions (what each status event adds) from version 4, side by side with the columns
-- of stats_monthly, keyed by report. A bulk load (rodeknop seed) sums it for a range of reports
-- instead of letting the row triggers fire per row; the definitions stay in the views of
-- version 4, and no other code repeats them.
CREATE VIEW stats_contributions AS
SELECT report_id, month, department, category, owner_department,
       1 AS received, 0 AS decided, 0 AS resolved, 0 AS wont_fix, 0 AS rejected, 0 AS duplicates,
       1 AS open_delta, 0 AS rule_abolished, 0 AS rule_changed, 0 AS procedure_changed,
       0 AS room_within_rules, 0 AS tailored_solution, 0 AS explained
FROM stats_submissions
UNION ALL
SELECT report_id, month, department, category, owner_department,
       0, decided, resolved, wont_fix, rejected, duplicates, open_delta, rule_abolished, rule_changed,
       procedure_changed, room_within_rules, tailored_solution, explained
FROM stats_transitions;
