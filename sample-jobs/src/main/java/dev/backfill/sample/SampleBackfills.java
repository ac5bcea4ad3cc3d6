package dev.backfill.sample;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

import dev.backfill.Backfill;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sample backfills over {@code customers}: one in SQL, one in Java.
 *
 * @since 0.1.0
 */
@Configuration(proxyBeanMethods = false)
public class SampleBackfills {

	/**
	 * Fills {@code email_normalized} with the trimmed, lower-case email, one set-based
	 * UPDATE per key range.
	 * @return the declaration
	 */
	@Bean
	Backfill normalizeEmails() {
		return Backfill.sql("normalize-emails")
			.table("customers")
			.key("id")
			.pending("email_normalized IS NULL")
			.update("""
					UPDATE customers SET email_normalized = lower(trim(email))
					WHERE id > :from AND id <= :to AND email_normalized IS NULL""")
			.rollback("UPDATE customers SET email_normalized = NULL WHERE id > :from AND id <= :to")
			.verify("""
					SELECT id, 'email_normalized is ' || email_normalized || ', expected ' || lower(trim(email))
					FROM customers WHERE id > :from AND id <= :to AND email_normalized <> lower(trim(email))""")
			.removeOldPath(Duration.ofDays(30), "stop reading customers.email for lookups, then remove this backfill")
			.build();
	}

	/**
	 * Splits {@code full_name} into {@code first_name} and {@code last_name} in Java.
	 * @return the declaration
	 */
	@Bean
	Backfill splitNames() {
		return Backfill.java("split-names")
			.table("customers")
			.key("id")
			.pending("first_name IS NULL")
			.read("full_name")
			.write("first_name", "last_name")
			.process((row) -> {
				String[] parts = splitName(row.getString("full_name"));
				row.set("first_name", parts[0]).set("last_name", parts[1]);
			})
			.rollback("UPDATE customers SET first_name = NULL, last_name = NULL WHERE id > :from AND id <= :to")
			.verify((row) -> {
				String[] expected = splitName(row.getString("full_name"));
				boolean right = Objects.equals(expected[0], row.getString("first_name"))
						&& Objects.equals(expected[1], row.getString("last_name"));
				return right ? null : "first_name, last_name are " + row.getString("first_name") + ", "
						+ row.getString("last_name") + "; expected " + expected[0] + ", " + expected[1];
			})
			.build();
	}

	/**
	 * Splits a full name on white space: the first word, and the rest joined by single
	 * spaces.
	 * @param fullName the name, with any spacing
	 * @return first name and last name ({@code null} when the name has one word)
	 */
	static @Nullable String[] splitName(@Nullable String fullName) {
		String[] words = (fullName == null) ? new String[0] : fullName.strip().split("\\s+");
		if (words.length == 0 || words[0].isEmpty()) {
			return new String[] { "", null };
		}
		String last = (words.length > 1) ? String.join(" ", Arrays.copyOfRange(words, 1, words.length)) : null;
		return new String[] { words[0], last };
	}

}
