-- The retail example's warehouse, as DuckDB SQL. dg builds retail.duckdb from this script the first
-- time it needs the catalog ("init" in dg.config.json); the database (catalog) is named after the file:
-- `retail`. Delete retail.duckdb to rebuild it after editing this file.
--
-- The script runs without file or network access: it creates and fills its tables itself.
--
-- Schemas: crm, sales, catalog, ops and loyalty hold the business tables retail.dg's entities and
-- junction tables name; segment_profiles holds the Profiles Sync tables (materialized) that
-- Segment writes for the profile (`profile_folder = "retail.segment_profiles"`).

-- --- CRM ------------------------------------------------------------------------------------------

CREATE SCHEMA crm;

-- Segment's user_id is the CRM customer id, a string.
CREATE TABLE crm.customers (
  customer_id  VARCHAR PRIMARY KEY,
  email        VARCHAR,
  first_name   VARCHAR,
  last_name    VARCHAR,
  phone        VARCHAR,
  created_at   TIMESTAMP NOT NULL
);
COMMENT ON TABLE crm.customers IS 'One row per customer account (CRM export).';

CREATE TABLE crm.customer_favourite_stores (
  id           INTEGER PRIMARY KEY,
  customer_id  VARCHAR NOT NULL,
  store_id     INTEGER NOT NULL,
  added_at     TIMESTAMP
);

-- --- Sales ----------------------------------------------------------------------------------------

CREATE SCHEMA sales;

CREATE TABLE sales.orders (
  order_id      BIGINT PRIMARY KEY,
  customer_id   VARCHAR NOT NULL,
  store_id      INTEGER,          -- NULL for online orders
  status        VARCHAR NOT NULL,
  total_amount  DECIMAL(10, 2) NOT NULL,
  ordered_at    TIMESTAMP NOT NULL
);

CREATE TABLE sales.order_items (
  order_item_id  BIGINT PRIMARY KEY,
  order_id       BIGINT NOT NULL,
  product_id     INTEGER NOT NULL,
  quantity       INTEGER NOT NULL,
  unit_price     DECIMAL(10, 2) NOT NULL
);

-- --- Catalog (merchandise) ------------------------------------------------------------------------

CREATE SCHEMA catalog;

CREATE TABLE catalog.products (
  product_id  INTEGER PRIMARY KEY,
  sku         VARCHAR NOT NULL,
  name        VARCHAR NOT NULL,
  brand       VARCHAR,
  price       DECIMAL(10, 2) NOT NULL
);

CREATE TABLE catalog.categories (
  category_id         INTEGER PRIMARY KEY,
  name                VARCHAR NOT NULL,
  parent_category_id  INTEGER
);

CREATE TABLE catalog.product_categories (
  product_category_id  INTEGER PRIMARY KEY,
  product_id           INTEGER NOT NULL,
  category_id          INTEGER NOT NULL
);

-- --- Operations -----------------------------------------------------------------------------------

CREATE SCHEMA ops;

CREATE TABLE ops.stores (
  store_id   INTEGER PRIMARY KEY,
  name       VARCHAR NOT NULL,
  city       VARCHAR NOT NULL,
  country    VARCHAR NOT NULL,
  opened_on  DATE
);

-- --- Loyalty --------------------------------------------------------------------------------------

CREATE SCHEMA loyalty;

-- Keyed by the loyalty_id profile trait.
CREATE TABLE loyalty.members (
  member_id       VARCHAR PRIMARY KEY,
  tier            VARCHAR NOT NULL,
  points_balance  INTEGER NOT NULL,
  joined_at       DATE NOT NULL
);

CREATE TABLE loyalty.rewards (
  reward_id    INTEGER PRIMARY KEY,
  member_id    VARCHAR NOT NULL,
  reward_type  VARCHAR NOT NULL,
  points       INTEGER NOT NULL,
  issued_at    TIMESTAMP NOT NULL
);

-- --- Profiles Sync (segment:materialized) --------------------------------------------------------

CREATE SCHEMA segment_profiles;

CREATE TABLE segment_profiles.user_identifiers (
  canonical_segment_id  VARCHAR NOT NULL,
  type                  VARCHAR NOT NULL,   -- identity type: user_id, email, anonymous_id, …
  value                 VARCHAR NOT NULL,
  seq                   BIGINT,
  received_at           TIMESTAMP,
  uuid_ts               TIMESTAMP,
  timestamp             TIMESTAMP
);

CREATE TABLE segment_profiles.user_traits (
  canonical_segment_id  VARCHAR NOT NULL,
  name                  VARCHAR NOT NULL,   -- trait key
  value                 VARCHAR,
  seq                   BIGINT,
  received_at           TIMESTAMP,
  uuid_ts               TIMESTAMP,
  timestamp             TIMESTAMP
);

CREATE TABLE segment_profiles.profile_merges (
  canonical_segment_id  VARCHAR NOT NULL,
  segment_id            VARCHAR NOT NULL,
  seq                   BIGINT,
  received_at           TIMESTAMP,
  uuid_ts               TIMESTAMP,
  timestamp             TIMESTAMP
);

-- --- Views ----------------------------------------------------------------------------------------

CREATE VIEW sales.customer_order_totals AS
  SELECT customer_id, count(*) AS order_count, sum(total_amount) AS lifetime_value, max(ordered_at) AS last_ordered_at
  FROM sales.orders
  GROUP BY customer_id;

-- --- Sample rows ----------------------------------------------------------------------------------

INSERT INTO crm.customers VALUES
  ('cus_1001', 'ada@example.com',    'Ada',    'Lovelace', '+44 20 7946 0001', TIMESTAMP '2023-01-15 09:30:00'),
  ('cus_1002', 'grace@example.com',  'Grace',  'Hopper',   NULL,               TIMESTAMP '2023-03-02 14:05:00'),
  ('cus_1003', 'alan@example.com',   'Alan',   'Turing',   '+44 20 7946 0003', TIMESTAMP '2023-06-21 18:45:00'),
  ('cus_1004', 'edsger@example.com', 'Edsger', 'Dijkstra', NULL,               TIMESTAMP '2024-02-10 11:00:00');

INSERT INTO ops.stores VALUES
  (1, 'Camden',     'London',     'GB', DATE '2015-04-01'),
  (2, 'Canal',      'Amsterdam',  'NL', DATE '2018-09-15'),
  (3, 'Kreuzberg',  'Berlin',     'DE', DATE '2021-05-20');

INSERT INTO crm.customer_favourite_stores VALUES
  (1, 'cus_1001', 1, TIMESTAMP '2023-02-01 10:00:00'),
  (2, 'cus_1001', 2, TIMESTAMP '2023-08-12 16:20:00'),
  (3, 'cus_1003', 3, TIMESTAMP '2024-01-05 09:15:00');

INSERT INTO catalog.categories VALUES
  (10, 'Kitchen',      NULL),
  (11, 'Coffee',       10),
  (20, 'Outdoor',      NULL),
  (21, 'Gifts',        NULL);

INSERT INTO catalog.products VALUES
  (501, 'KIT-GRD-01', 'Burr grinder',     'Moka',   89.00),
  (502, 'KIT-KTL-02', 'Gooseneck kettle', 'Moka',   49.50),
  (503, 'OUT-BTL-01', 'Insulated bottle', 'Trail',  24.99),
  (504, 'OUT-MUG-02', 'Camp mug',         'Trail',  12.00);

INSERT INTO catalog.product_categories VALUES
  (1, 501, 10), (2, 501, 11), (3, 502, 10), (4, 502, 11), (5, 502, 21),
  (6, 503, 20), (7, 503, 21), (8, 504, 20), (9, 504, 11);

INSERT INTO sales.orders VALUES
  (90001, 'cus_1001', 1,    'delivered', 138.50, TIMESTAMP '2024-03-01 12:00:00'),
  (90002, 'cus_1001', NULL, 'shipped',    24.99, TIMESTAMP '2024-04-11 08:40:00'),
  (90003, 'cus_1002', 2,    'delivered',  61.50, TIMESTAMP '2024-04-20 17:25:00'),
  (90004, 'cus_1003', 3,    'cancelled',  12.00, TIMESTAMP '2024-05-02 10:10:00');

INSERT INTO sales.order_items VALUES
  (1, 90001, 501, 1, 89.00),
  (2, 90001, 502, 1, 49.50),
  (3, 90002, 503, 1, 24.99),
  (4, 90003, 502, 1, 49.50),
  (5, 90003, 504, 1, 12.00),
  (6, 90004, 504, 1, 12.00);

INSERT INTO loyalty.members VALUES
  ('LM-7001', 'gold',   4200, DATE '2023-01-20'),
  ('LM-7002', 'silver', 1150, DATE '2023-07-01');

INSERT INTO loyalty.rewards VALUES
  (1, 'LM-7001', 'free_shipping', 500, TIMESTAMP '2024-02-14 09:00:00'),
  (2, 'LM-7001', 'discount_10',  1000, TIMESTAMP '2024-04-01 09:00:00'),
  (3, 'LM-7002', 'free_coffee',   250, TIMESTAMP '2024-05-05 09:00:00');

INSERT INTO segment_profiles.user_identifiers VALUES
  ('seg_a1', 'user_id',      'cus_1001',            1, TIMESTAMP '2024-03-01 12:00:05', TIMESTAMP '2024-03-01 12:01:00', TIMESTAMP '2024-03-01 12:00:00'),
  ('seg_a1', 'email',        'ada@example.com',     2, TIMESTAMP '2024-03-01 12:00:05', TIMESTAMP '2024-03-01 12:01:00', TIMESTAMP '2024-03-01 12:00:00'),
  ('seg_a1', 'anonymous_id', 'anon-3f9c',           3, TIMESTAMP '2024-02-28 19:12:00', TIMESTAMP '2024-02-28 19:13:00', TIMESTAMP '2024-02-28 19:11:58'),
  ('seg_b2', 'user_id',      'cus_1002',            4, TIMESTAMP '2024-04-20 17:25:04', TIMESTAMP '2024-04-20 17:26:00', TIMESTAMP '2024-04-20 17:25:00'),
  ('seg_b2', 'email',        'grace@example.com',   5, TIMESTAMP '2024-04-20 17:25:04', TIMESTAMP '2024-04-20 17:26:00', TIMESTAMP '2024-04-20 17:25:00'),
  ('seg_c3', 'user_id',      'cus_1003',            6, TIMESTAMP '2024-05-02 10:10:03', TIMESTAMP '2024-05-02 10:11:00', TIMESTAMP '2024-05-02 10:10:00');

INSERT INTO segment_profiles.user_traits VALUES
  ('seg_a1', 'first_name', 'Ada',     1, TIMESTAMP '2024-03-01 12:00:05', TIMESTAMP '2024-03-01 12:01:00', TIMESTAMP '2024-03-01 12:00:00'),
  ('seg_a1', 'loyalty_id', 'LM-7001', 2, TIMESTAMP '2024-03-01 12:00:05', TIMESTAMP '2024-03-01 12:01:00', TIMESTAMP '2024-03-01 12:00:00'),
  ('seg_b2', 'first_name', 'Grace',   3, TIMESTAMP '2024-04-20 17:25:04', TIMESTAMP '2024-04-20 17:26:00', TIMESTAMP '2024-04-20 17:25:00'),
  ('seg_b2', 'loyalty_id', 'LM-7002', 4, TIMESTAMP '2024-04-20 17:25:04', TIMESTAMP '2024-04-20 17:26:00', TIMESTAMP '2024-04-20 17:25:00'),
  ('seg_c3', 'plan',       'basic',   5, TIMESTAMP '2024-05-02 10:10:03', TIMESTAMP '2024-05-02 10:11:00', TIMESTAMP '2024-05-02 10:10:00');

INSERT INTO segment_profiles.profile_merges VALUES
  ('seg_a1', 'seg_a1_anon', 1, TIMESTAMP '2024-03-01 12:00:05', TIMESTAMP '2024-03-01 12:01:00', TIMESTAMP '2024-03-01 12:00:00');
