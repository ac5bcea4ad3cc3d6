package dev.backfill.boot.web;

import java.util.Arrays;
import java.util.Map;

import dev.backfill.BackfillOperator;
import org.jspecify.annotations.Nullable;

/**
 * An action the status page's buttons take on a backfill, as {@code backfill pause},
 * {@code resume} and {@code stop} do: through the pause flag and the job repository, on a
 * run in any process. Each ends in a notice, named by a code in the redirect back to the
 * page, so that a link cannot put words of its own on the page.
 */
enum PageAction {

	PAUSE("Pause") {
		@Override
		String perform(BackfillOperator operator, String name, String by) {
			operator.pause(name, by);
			return "paused";
		}
	},

	RESUME("Resume") {
		@Override
		String perform(BackfillOperator operator, String name, String by) {
			return operator.resume(name) ? "resumed" : "not-paused";
		}
	},

	STOP("Stop") {
		@Override
		String perform(BackfillOperator operator, String name, String by) {
			return operator.stop(name) ? "stopping" : "not-running";
		}
	};

	private static final Map<String, String> NOTICES = Map.of("paused",
			"Paused %s: its run holds before its next batch until it is resumed.", "resumed",
			"Resumed %s: its run takes its next batch within a second.", "not-paused", "%s was not paused.", "stopping",
			"Asked %s to stop: it stops once its batch in flight has committed.", "not-running",
			"%s is not running: nothing to stop.");

	private final String label;

	PageAction(String label) {
		this.label = label;
	}

	/**
	 * @return the action's name in the path, such as {@code pause}
	 */
	String word() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

	String label() {
		return this.label;
	}

	/**
	 * Takes the action.
	 * @param operator the operator over the declared backfills
	 * @param name the backfill name
	 * @param by who asks
	 * @return the code of its notice
	 */
	abstract String perform(BackfillOperator operator, String name, String by);

	static @Nullable PageAction of(String word) {
		return Arrays.stream(values()).filter((action) -> action.word().equals(word)).findFirst().orElse(null);
	}

	/**
	 * @param code a notice's code, as the redirect names it
	 * @param name the backfill name
	 * @return the notice in words, or {@code null} for an unknown code
	 */
	static @Nullable String notice(@Nullable String code, String name) {
		String notice = (code != null) ? NOTICES.get(code) : null;
		return (notice != null) ? notice.formatted(name) : null;
	}

}
