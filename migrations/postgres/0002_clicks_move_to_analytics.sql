-- Click counts moved to their own database (migrations/*-analytics): hourly rollups by dimension
-- beside all-time totals, applied with the batch ids that make redelivery harmless. shortstack had no
-- release with counts in this database, so nothing is carried over.
DROP TABLE link_clicks;
DROP TABLE click_batches;
