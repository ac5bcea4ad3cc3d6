package dev.backfill.boot.remote;

import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The RabbitMQ broker remote tests use, found once per JVM:
 * {@code BACKFILL_TEST_RABBITMQ} when set (an AMQP URI such as
 * {@code amqp://guest:guest@127.0.0.1:5672}), else a Testcontainers RabbitMQ when Docker
 * runs, else none, and the remote tests are skipped with the reason.
 */
final class TestBroker {

	private static final String ENV = "BACKFILL_TEST_RABBITMQ";

	private static @Nullable String addresses;

	private static boolean looked;

	private TestBroker() {
	}

	/**
	 * @return the broker's address for {@code spring.rabbitmq.addresses}, or {@code null}
	 * when there is none
	 */
	static synchronized @Nullable String addresses() {
		if (!looked) {
			looked = true;
			addresses = find();
		}
		return addresses;
	}

	static String whyNone() {
		return "no RabbitMQ for the remote tests: set " + ENV
				+ "=amqp://guest:guest@127.0.0.1:5672, or run Docker for Testcontainers";
	}

	private static @Nullable String find() {
		String given = System.getenv(ENV);
		if (given != null && !given.isBlank()) {
			return given;
		}
		try {
			if (DockerClientFactory.instance().isDockerAvailable()) {
				RabbitMQContainer container = new RabbitMQContainer("rabbitmq:4-management");
				container.start();
				return container.getAmqpUrl();
			}
		}
		catch (RuntimeException ex) {
			// no Docker: skipped below
		}
		System.out.println("Skipping remote tests: " + whyNone());
		return null;
	}

}
