package dev.backfill.boot.remote;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.batch.integration.partition.StepExecutionRequest;

/**
 * The text a partition travels as: Spring Batch Integration's
 * {@link StepExecutionRequest} as a line of JSON, such as
 * {@code {"stepName":"partition","stepExecutionId":42}}. Plain text, so that no worker
 * deserializes Java objects from the broker, and any consumer can read it.
 */
final class PartitionMessages {

	private static final Pattern REQUEST = Pattern
		.compile("\\{\\s*\"stepName\"\\s*:\\s*\"([A-Za-z0-9:_.-]+)\"\\s*,\\s*\"stepExecutionId\"\\s*:\\s*(\\d+)\\s*}");

	private PartitionMessages() {
	}

	static String toText(StepExecutionRequest request) {
		return "{\"stepName\":\"" + request.getStepName() + "\",\"stepExecutionId\":" + request.getStepExecutionId()
				+ "}";
	}

	/**
	 * @param text a message's body
	 * @return the request it carries
	 * @throws IllegalArgumentException when it carries none
	 */
	static StepExecutionRequest fromText(String text) {
		Matcher matcher = REQUEST.matcher(text.strip());
		if (!matcher.matches()) {
			throw new IllegalArgumentException(
					"Not a partition request: " + ((text.length() > 200) ? text.substring(0, 200) + "..." : text));
		}
		return new StepExecutionRequest(matcher.group(1), Long.parseLong(matcher.group(2)));
	}

}
