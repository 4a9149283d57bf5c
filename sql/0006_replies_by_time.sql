-- Rode Knop schema, version 6: the reporters' replies of a week, for the weekly view.
--
-- A reply to a report in the queue (status new) is seen there; a reply to a report the team has
-- accepted, closed or is working on would reach nobody unless the week's view lists it. This
-- index holds only reply events (a few per hundred events), so the list costs the week's replies,
-- not the week's events.
CREATE INDEX events_replies_by_time ON events (at, report_id) WHERE type = 'reply';
