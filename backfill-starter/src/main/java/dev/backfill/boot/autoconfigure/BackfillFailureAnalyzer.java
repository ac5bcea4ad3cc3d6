package dev.backfill.boot.autoconfigure;

import dev.backfill.BackfillException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a backfill declaration or setup error at startup into Boot's "APPLICATION FAILED
 * TO START" report instead of a stack trace.
 *
 * @since 0.1.0
 */
public class BackfillFailureAnalyzer extends AbstractFailureAnalyzer<BackfillException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BackfillException cause) {
		String message = cause.getMessage();
		if (message.contains("\n")) {
			// several problems, each a line ending with its own fix
			return new FailureAnalysis(message, "Correct each as its line says, then start the application again.",
					cause);
		}
		// messages end with the fix: split it off as the action
		int fix = message.lastIndexOf(". ", message.length() - 2);
		if (fix < 0) {
			return new FailureAnalysis(message, "Correct the backfill declaration or the database as described.",
					cause);
		}
		return new FailureAnalysis(message.substring(0, fix + 1), message.substring(fix + 2), cause);
	}

}
