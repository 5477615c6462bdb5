// Schema: one uniqueness constraint on `id` per label (SPEC §2). Applied by Neo4jStore on
// open (only the missing ones). Statements are separated by semicolons.
// BrmChangeSet and BrmVersion hold the history (brmgraph/store/history.py); the one BrmLock
// node serialises imports and marks the store (cypher/lock/take.cypher). BrmStamp,
// BrmStoreStamp and BrmFlagCache hold the flag cache (brmgraph/store/stamps.py); BrmNotifySend
// the messages `brmgraph notify` sent (docs/spec.md §5.5).
CREATE CONSTRAINT brm_customer_id IF NOT EXISTS FOR (n:Customer) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT brm_key_person_id IF NOT EXISTS FOR (n:KeyPerson) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT brm_employee_id IF NOT EXISTS FOR (n:Employee) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT brm_competitor_id IF NOT EXISTS FOR (n:Competitor) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT brm_competitor_staff_id IF NOT EXISTS FOR (n:CompetitorStaff) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT brm_project_id IF NOT EXISTS FOR (n:Project) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT brm_changeset_id IF NOT EXISTS FOR (n:BrmChangeSet) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT brm_lock_name IF NOT EXISTS FOR (n:BrmLock) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT brm_stamp_customer IF NOT EXISTS FOR (n:BrmStamp) REQUIRE n.customer IS UNIQUE;
CREATE CONSTRAINT brm_store_stamp_name IF NOT EXISTS FOR (n:BrmStoreStamp) REQUIRE n.name IS UNIQUE;
CREATE CONSTRAINT brm_flag_cache_id IF NOT EXISTS FOR (n:BrmFlagCache) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT brm_notify_send_id IF NOT EXISTS FOR (n:BrmNotifySend) REQUIRE n.id IS UNIQUE;
CREATE INDEX brm_version_key IF NOT EXISTS FOR (n:BrmVersion) ON (n.section, n.key)
