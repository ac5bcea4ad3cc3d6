package dev.backfill;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import dev.backfill.test.DatabaseTest;
import dev.backfill.test.TestOperators;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java form's values on real PostgreSQL, with the JVM in a zone that is neither UTC
 * nor the server's: a processor that copies every column unchanged to its twin leaves the
 * twins equal, and instants it writes are stored as they are. The copy runs once more
 * with the driver receiving every value it can in binary rather than as text.
 */
class JavaValuesTest extends DatabaseTest {

	/**
	 * Each column's type and values, one a row; the rows after its values are NULL, and
	 * the last row is all NULL.
	 */
	private static final List<Column> COLUMNS = List.of(
			new Column("ts", "timestamptz", "'2024-11-03 05:30:00+00'", "'2024-03-10 07:30:00+00'",
					"'2024-11-03 06:30:00.123456+00'", "'1800-01-01 00:00:00+00'", "'0044-03-15 12:00:00.5+00 BC'",
					"'infinity'", "'-infinity'", "'294276-12-31 23:59:59.999999+00'"),
			new Column("tsl", "timestamp", "'2024-03-10 02:30:00'", "'2024-11-03 01:30:00'",
					"'2024-06-01 12:00:00.000001'", "'0999-12-31 23:59:59.999999'", "'0044-03-15 12:00:00 BC'",
					"'infinity'", "'-infinity'"),
			new Column("d", "date", "'2024-02-29'", "'0999-12-31'", "'0001-01-01'", "'0044-03-15 BC'", "'infinity'",
					"'-infinity'", "'5874897-12-31'"),
			new Column("t", "time", "'12:34:56.789012'", "'00:00:00'", "'23:59:59.999999'", "'24:00:00'",
					"'00:00:00.000001'"),
			new Column("ttz", "timetz", "'12:34:56.789012+05:30'", "'23:59:59.999999-12'", "'00:00:00+00'",
					"'12:00:00+05:53:28'", "'01:30:00-04'"),
			new Column("iv", "interval", "'1 year 2 mons 3 days 04:05:06.789'", "'-1 days +00:00:00.000001'", "'0'",
					"'178000000 years'", "'1 mon -30 days'"),
			new Column("n", "numeric", "'123456789012345678901234567890.123456789'", "'1.50'", "'-0.000001000'",
					"'NaN'", "'Infinity'", "'-Infinity'", "'1e20'"),
			new Column("n52", "numeric(5,2)", "'123.45'", "'-999.99'", "'0.00'", "'1.5'"),
			new Column("f8", "float8", "'0.1'", "'1e-300'", "'NaN'", "'Infinity'", "'-Infinity'", "'-0'",
					"'1.7976931348623157e308'", "'4.9e-324'"),
			new Column("f4", "real", "'0.1'", "'1.4e-45'", "'3.4028235e38'", "'NaN'", "'-Infinity'", "'-0'", "'1.1'"),
			new Column("b", "bytea", "'\\x00ff'", "'\\x'",
					"(SELECT decode(string_agg(lpad(to_hex(g), 2, '0'), ''), 'hex') FROM generate_series(0, 255) g)"),
			new Column("u", "uuid", "'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
					"'123e4567-e89b-12d3-a456-426614174000'"),
			new Column("j", "jsonb", "'{\"a\": [1, 2.50, \"x\"], \"b\": null}'", "'null'", "'\"text\"'", "'1e400'"),
			new Column("js", "json", "'{\"b\" : 1,  \"b\": 2}'", "'  [ ]  '"),
			new Column("tx", "text", "'Ünïcödé \"quoted\" \\ back'", "''", "' spaced '", "E'line\\nbreak\\ttab'",
					"'NULL'"),
			new Column("vc", "varchar(5)", "'abc'", "'Alexa'", "''", "'ab  '"),
			new Column("ch", "char(5)", "'ab'", "'abcde'", "''", "'  x'"),
			new Column("bt", "bit(3)", "B'101'", "B'000'"), new Column("vb", "varbit(8)", "B'1'", "B''", "B'11111111'"),
			new Column("tags", "text[]", "'{a,\"b c\",NULL,\"d\\\"e\",\"\"}'", "'{}'", "'[0:1]={x,y}'",
					"'{{a,b},{c,d}}'", "'{\"NULL\"}'", "'{\"\\\\\\\\\"}'"),
			new Column("nums", "integer[]", "'{1,NULL,-3}'", "'{{1,2},{3,4}}'", "'[0:1]={7,8}'", "'{}'"),
			new Column("tsa", "timestamptz[]", "'{\"2024-11-03 05:30:00+00\",\"2024-03-10 07:30:00+00\"}'",
					"'{infinity,NULL}'"),
			new Column("mood", "mood", "'happy'", "'sad'"),
			new Column("ip", "inet", "'192.168.0.1/24'", "'::1'", "'10.0.0.1'"),
			new Column("ok", "boolean", "true", "false"), new Column("i2", "smallint", "-32768", "32767"),
			new Column("i4", "integer", "-2147483648", "2147483647"),
			new Column("i8", "bigint", "-9223372036854775808", "9223372036854775807"),
			new Column("m", "money", "'12.34'", "'-92233720368547758.08'"),
			new Column("r", "tstzrange", "'[2024-11-03 05:30:00+00,2024-11-03 06:30:00+00)'", "'empty'"),
			new Column("p", "point", "'(1.5,-2.25)'", "'(0.1,1e-300)'"), new Column("sn", "short_name", "'abc'"),
			new Column("st", "stamp", "'2024-11-03 05:30:00+00'"));

	private static final int ROWS = COLUMNS.stream().mapToInt((c) -> c.values().size()).max().orElseThrow() + 1;

	/** Types without PostgreSQL's {@code =}: their twins are compared as text only. */
	private static final Set<String> WITHOUT_EQUALITY = Set.of("json", "point");

	private static final TimeZone DEFAULT_ZONE = TimeZone.getDefault();

	@BeforeAll
	static void createTypes() {
		jdbc.sql("""
				CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
				CREATE DOMAIN short_name AS varchar(5);
				CREATE DOMAIN stamp AS timestamptz""").update();
	}

	@AfterEach
	void restoreZone() {
		TimeZone.setDefault(DEFAULT_ZONE);
	}

	@ParameterizedTest
	@CsvSource({ "America/New_York, false", "Asia/Kolkata, false", "America/New_York, true" })
	void copiedValuesEqualTheirSourceWhateverTheJvmZone(String zone, boolean binary) {
		String table = "twins_" + zone.replaceAll("\\W", "_").toLowerCase() + (binary ? "_binary" : "");
		createTwins(table);
		TimeZone.setDefault(TimeZone.getTimeZone(zone));
		List<String> sources = COLUMNS.stream().map(Column::name).toList();
		List<String> writes = new ArrayList<>(sources.stream().map((c) -> c + "_twin").toList());
		writes.add("done");
		Map<String, Set<String>> seen = new ConcurrentHashMap<>();
		Backfill backfill = Backfill.java(table)
			.table(table)
			.key("id")
			.pending("NOT done")
			.read(sources.toArray(String[]::new))
			.write(writes.toArray(String[]::new))
			.process((row) -> {
				for (String column : sources) {
					Object value = row.get(column);
					if (value != null) {
						seen.computeIfAbsent(column, (c) -> ConcurrentHashMap.newKeySet()).add(typeOf(value));
					}
					row.set(column + "_twin", value);
				}
				row.set("done", true);
			})
			.rollback("UPDATE %s SET done = false WHERE id > :from AND id <= :to".formatted(table))
			.batchSize(3)
			.build();

		BackfillResult result = TestOperators.operator(binary ? binaryDataSource() : dataSource, backfill)
			.run(table, RunOptions.defaults(), ProgressListener.NONE);

		assertThat(result.state()).as(result.failure()).isEqualTo(BackfillState.COMPLETED);
		assertThat(result.rows()).isEqualTo(ROWS);
		assertThat(differences(table)).isEmpty();
		Map<String, Set<String>> expected = new LinkedHashMap<>();
		expected.put("ts", Set.of("OffsetDateTime+00:00"));
		expected.put("st", Set.of("OffsetDateTime+00:00"));
		expected.put("tsl", Set.of("LocalDateTime"));
		expected.put("d", Set.of("LocalDate"));
		expected.put("t", Set.of("LocalTime"));
		expected.put("ttz", Set.of("OffsetTime"));
		expected.put("n", Set.of("BigDecimal", "Double"));
		expected.put("n52", Set.of("BigDecimal"));
		expected.put("f8", Set.of("Double"));
		expected.put("f4", Set.of("Float"));
		expected.put("b", Set.of("byte[]"));
		expected.put("u", Set.of("UUID"));
		expected.put("ok", Set.of("Boolean"));
		expected.put("i2", Set.of("Integer"));
		expected.put("i4", Set.of("Integer"));
		expected.put("i8", Set.of("Long"));
		for (String text : List.of("iv", "j", "js", "tx", "vc", "ch", "bt", "vb", "tags", "nums", "tsa", "mood", "ip",
				"m", "r", "p", "sn")) {
			expected.put(text, Set.of("String"));
		}
		assertThat(seen).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "America/New_York", "Asia/Kolkata" })
	void writtenInstantsAreStoredExactly(String zone) {
		String table = "instants_" + zone.replaceAll("\\W", "_").toLowerCase();
		jdbc.sql("""
				CREATE TABLE %s (id bigint PRIMARY KEY, done boolean NOT NULL DEFAULT false, instant timestamptz,
				  zoned timestamptz, offset_time timestamptz, sql_timestamp timestamptz, util_date timestamptz,
				  before_christ timestamptz, local timestamp, local_timestamp timestamp, day date, day_bc date);
				INSERT INTO %1$s (id) VALUES (1)""".formatted(table)).update();
		TimeZone.setDefault(TimeZone.getTimeZone(zone));
		Backfill backfill = Backfill.java(table)
			.table(table)
			.key("id")
			.pending("NOT done")
			.write("done", "instant", "zoned", "offset_time", "sql_timestamp", "util_date", "before_christ", "local",
					"local_timestamp", "day", "day_bc")
			.process((row) -> row.set("done", true)
				.set("instant", Instant.parse("2024-11-03T05:30:00Z"))
				// 01:30 happens twice in New York that night: the later one is 06:30 UTC
				.set("zoned",
						ZonedDateTime.of(LocalDateTime.parse("2024-11-03T01:30:00"), ZoneId.of("America/New_York"))
							.withLaterOffsetAtOverlap())
				.set("offset_time", OffsetDateTime.parse("2024-03-10T13:00:00.123456+05:30"))
				.set("sql_timestamp", java.sql.Timestamp.from(Instant.parse("2024-03-10T07:30:00.654321Z")))
				.set("util_date", Date.from(Instant.parse("2024-11-03T05:30:00.123Z")))
				.set("before_christ", OffsetDateTime.of(-43, 3, 15, 12, 0, 0, 0, ZoneOffset.UTC))
				// does not exist in New York: clocks went from 02:00 to 03:00
				.set("local", LocalDateTime.parse("2024-03-10T02:30:00.000001"))
				// a Timestamp of a local date and time (one that exists in the JVM's
				// zone) keeps it, as in JDBC
				.set("local_timestamp", java.sql.Timestamp.valueOf(LocalDateTime.parse("2024-11-03T01:30:00.123456")))
				.set("day", LocalDate.parse("0999-12-31"))
				.set("day_bc", LocalDate.of(-43, 3, 15)))
			.rollback("UPDATE %s SET done = false WHERE id > :from AND id <= :to".formatted(table))
			.build();

		BackfillResult result = TestOperators.operator(dataSource, backfill)
			.run(table, RunOptions.defaults(), ProgressListener.NONE);

		assertThat(result.state()).as(result.failure()).isEqualTo(BackfillState.COMPLETED);
		Map<String, Object> stored = jdbc.sql("""
				SELECT instant = '2024-11-03 05:30:00+00' AS instant, zoned = '2024-11-03 06:30:00+00' AS zoned,
				  offset_time = '2024-03-10 07:30:00.123456+00' AS offset_time,
				  sql_timestamp = '2024-03-10 07:30:00.654321+00' AS sql_timestamp,
				  util_date = '2024-11-03 05:30:00.123+00' AS util_date,
				  before_christ = '0044-03-15 12:00:00+00 BC' AS before_christ,
				  local = '2024-03-10 02:30:00.000001' AS local,
				  local_timestamp = '2024-11-03 01:30:00.123456' AS local_timestamp,
				  day = '0999-12-31' AS day, day_bc = '0044-03-15 BC' AS day_bc
				FROM %s""".formatted(table)).query().singleRow();
		assertThat(stored).allSatisfy((column, equal) -> assertThat(equal).as(column).isEqualTo(true));
	}

	@Test
	void listsAndArraysAreWrittenAsArrays() {
		jdbc.sql("""
				CREATE TABLE arrays (id bigint PRIMARY KEY, done boolean NOT NULL DEFAULT false, tags text[],
				  numbers integer[], grid integer[], instants timestamptz[], blobs bytea[]);
				INSERT INTO arrays (id) VALUES (1)""").update();
		TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
		Backfill backfill = Backfill.java("arrays")
			.table("arrays")
			.key("id")
			.pending("NOT done")
			.write("done", "tags", "numbers", "grid", "instants", "blobs")
			.process((row) -> row.set("done", true)
				.set("tags", Arrays.asList("a", null, "b \"c\" \\ d", "", "NULL"))
				.set("numbers", new int[] { 1, -2, 3 })
				.set("grid", List.of(List.of(1, 2), List.of(3, 4)))
				.set("instants", List.of(Instant.parse("2024-11-03T05:30:00Z"), OffsetDateTime.MAX))
				.set("blobs", new byte[][] { { 0, (byte) 0xff }, {} }))
			.rollback("UPDATE arrays SET done = false WHERE id > :from AND id <= :to")
			.build();

		BackfillResult result = TestOperators.operator(dataSource, backfill)
			.run("arrays", RunOptions.defaults(), ProgressListener.NONE);

		assertThat(result.state()).as(result.failure()).isEqualTo(BackfillState.COMPLETED);
		Map<String, Object> stored = jdbc.sql("""
				SELECT tags IS NOT DISTINCT FROM ARRAY['a', NULL, 'b "c" \\ d', '', 'NULL'] AS tags,
				  numbers = '{1,-2,3}' AS numbers, grid = '{{1,2},{3,4}}' AS grid,
				  instants = ARRAY['2024-11-03 05:30:00+00', 'infinity']::timestamptz[] AS instants,
				  blobs = ARRAY['\\x00ff', '\\x']::bytea[] AS blobs
				FROM arrays""").query().singleRow();
		assertThat(stored).allSatisfy((column, equal) -> assertThat(equal).as(column).isEqualTo(true));
	}

	@Test
	void localDateTimeForATimestamptzColumnFailsNamingTheFix() {
		jdbc.sql("""
				CREATE TABLE local_instants (id bigint PRIMARY KEY, at timestamptz);
				INSERT INTO local_instants (id) VALUES (1)""").update();
		Backfill backfill = Backfill.java("local-instants")
			.table("local_instants")
			.key("id")
			.pending("at IS NULL")
			.write("at")
			.process((row) -> row.set("at", LocalDateTime.parse("2024-11-03T01:30:00")))
			.rollback("UPDATE local_instants SET at = NULL WHERE id > :from AND id <= :to")
			.build();

		BackfillResult result = TestOperators.operator(dataSource, backfill)
			.run("local-instants", RunOptions.defaults(), ProgressListener.NONE);

		assertThat(result.state()).isEqualTo(BackfillState.FAILED);
		assertThat(result.failure()).contains("Backfill 'local-instants' cannot write column at on key 1")
			.contains("names no instant")
			.contains("atOffset(ZoneOffset.UTC)");
		assertThat(count("SELECT count(*) FROM local_instants WHERE at IS NOT NULL")).isZero();
	}

	private static void createTwins(String table) {
		String columns = COLUMNS.stream()
			.map((c) -> c.name() + " " + c.type() + ", " + c.name() + "_twin " + c.type())
			.collect(Collectors.joining(", "));
		jdbc.sql("CREATE TABLE %s (id bigint PRIMARY KEY, done boolean NOT NULL DEFAULT false, %s)".formatted(table,
				columns))
			.update();
		String names = COLUMNS.stream().map(Column::name).collect(Collectors.joining(", "));
		for (int row = 0; row < ROWS; row++) {
			int r = row;
			String values = COLUMNS.stream()
				.map((c) -> (r < c.values().size()) ? c.values().get(r) : "NULL")
				.collect(Collectors.joining(", "));
			jdbc.sql("INSERT INTO %s (id, %s) VALUES (%d, %s)".formatted(table, names, row + 1, values)).update();
		}
	}

	// prepareThreshold=-1: every statement is prepared on the server at once, and results
	// come in binary
	private static DataSource binaryDataSource() {
		String url = dataSource.getJdbcUrl();
		return new DriverManagerDataSource(url + (url.contains("?") ? "&" : "?") + "prepareThreshold=-1",
				dataSource.getUsername(), dataSource.getPassword());
	}

	// the keys whose twin differs, by column: as values where the type has =, and always
	// as PostgreSQL's text
	private static Map<String, List<Long>> differences(String table) {
		Map<String, List<Long>> differences = new LinkedHashMap<>();
		for (Column column : COLUMNS) {
			String c = column.name();
			String values = WITHOUT_EQUALITY.contains(column.type()) ? ""
					: "(%1$s IS NOT DISTINCT FROM %1$s_twin) AND ";
			String sql = "SELECT id FROM %2$s WHERE NOT (" + values
					+ "(CAST(%1$s AS text) IS NOT DISTINCT FROM CAST(%1$s_twin AS text))) ORDER BY id";
			List<Long> keys = jdbc.sql(sql.formatted(c, table)).query(Long.class).list();
			if (!keys.isEmpty()) {
				differences.put(c, keys);
			}
		}
		return Collections.unmodifiableMap(differences);
	}

	private static String typeOf(Object value) {
		if (value instanceof OffsetDateTime time) {
			return "OffsetDateTime" + (time.getOffset().equals(ZoneOffset.UTC) || time.equals(OffsetDateTime.MAX)
					|| time.equals(OffsetDateTime.MIN) ? "+00:00" : time.getOffset());
		}
		return value.getClass().getSimpleName();
	}

	private record Column(String name, String type, List<String> values) {

		Column(String name, String type, String... values) {
			this(name, type, List.of(values));
		}

	}

}
