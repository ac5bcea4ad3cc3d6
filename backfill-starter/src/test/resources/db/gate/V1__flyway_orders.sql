-- the expand step: the new column, empty
CREATE TABLE flyway_orders (id bigint PRIMARY KEY, cents bigint NOT NULL, amount numeric);
INSERT INTO flyway_orders (id, cents) SELECT g, g * 3 FROM generate_series(1, 3000) g;
