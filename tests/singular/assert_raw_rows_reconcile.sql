{#-
    Every raw row is accounted for: raw = clean + duplicate + superseded +
    quarantined for each raw table, and the quarantine table holds exactly
    the quarantined rows. Returns the tables where that fails.
-#}
select *
from {{ ref('rpt_raw_row_reconciliation') }}
where
    raw_row_count <> clean_row_count + duplicate_row_count
    + superseded_row_count + quarantined_row_count
    or quarantined_row_count <> quarantine_table_row_count
