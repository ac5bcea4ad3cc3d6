package dev.backfill.boot.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code backfill} command:
 * {@code backfill COMMAND [ARG...] [--option[=value]...]}. Options whose name holds a dot
 * ({@code --spring.datasource.url=...}) are Spring properties and are left to Spring.
 *
 * @param command the command name
 * @param arguments positional arguments after it
 * @param options the command's own options, by name ({@code ""} for a flag without value)
 * @since 0.1.0
 */
public record CommandLine(String command, List<String> arguments, Map<String, String> options) {

	/**
	 * Parses the application's arguments.
	 * @param args the arguments, starting with {@code backfill}
	 * @return the command, or {@code null} when the arguments are not a backfill command
	 * @throws UsageException when {@code backfill} is given without a command
	 */
	public static @Nullable CommandLine parse(String[] args) {
		List<String> words = new ArrayList<>();
		Map<String, String> options = new LinkedHashMap<>();
		for (String arg : args) {
			if (arg.startsWith("--")) {
				String body = arg.substring(2);
				int eq = body.indexOf('=');
				String name = (eq >= 0) ? body.substring(0, eq) : body;
				if (!name.contains(".")) {
					options.put(name, (eq >= 0) ? body.substring(eq + 1) : "");
				}
			}
			else {
				words.add(arg);
			}
		}
		if (words.isEmpty() || !words.get(0).equals("backfill")) {
			return null;
		}
		if (words.size() < 2) {
			throw new UsageException("No command given.");
		}
		return new CommandLine(words.get(1), List.copyOf(words.subList(2, words.size())), options);
	}

	/**
	 * Checks that only known options were given.
	 * @param known the options the command takes
	 * @throws UsageException naming the unknown option and the valid ones
	 */
	public void allowOnly(Set<String> known) {
		for (String option : this.options.keySet()) {
			if (!known.contains(option)) {
				throw new UsageException(
						"Unknown option --" + option + " for 'backfill " + this.command + "'. " + (known.isEmpty()
								? "It takes no options." : "Valid options: --" + String.join(", --", known) + "."));
			}
		}
	}

	/**
	 * The one backfill name the command takes: every command that acts on a backfill
	 * checks it here.
	 * @return the name
	 * @throws UsageException when no name or more than one is given
	 */
	public String backfillName() {
		if (this.arguments.size() != 1) {
			throw new UsageException("'backfill " + this.command + "' takes one backfill name, such as 'backfill "
					+ this.command + " normalize-emails'.");
		}
		return this.arguments.get(0);
	}

	/**
	 * A positive integer option.
	 * @param name the option
	 * @return its value, or 0 when absent
	 * @throws UsageException when the value is not a positive integer
	 */
	public int positiveInt(String name) {
		String value = this.options.get(name);
		if (value == null) {
			return 0;
		}
		try {
			int n = Integer.parseInt(value.replace("_", ""));
			if (n > 0) {
				return n;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new UsageException("--" + name + "=" + value + " is not valid: give a positive whole number, such as --"
				+ name + "=5000.");
	}

	/**
	 * Whether a flag was given.
	 * @param name the flag
	 * @return whether it is present
	 */
	public boolean flag(String name) {
		return this.options.containsKey(name);
	}

}
