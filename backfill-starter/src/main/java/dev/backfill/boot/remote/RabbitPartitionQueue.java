package dev.backfill.boot.remote;

import dev.backfill.BackfillException;
import dev.backfill.PartitionQueue;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.context.ApplicationContext;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The RabbitMQ queue partitions are put on: each is sent as a
 * {@link StepExecutionRequest} on the channel whose flow writes it to the queue.
 */
final class RabbitPartitionQueue implements PartitionQueue {

	private final ApplicationContext context;

	private final ConnectionFactory connectionFactory;

	private final String queue;

	RabbitPartitionQueue(ApplicationContext context, ConnectionFactory connectionFactory, String queue) {
		this.context = context;
		this.connectionFactory = connectionFactory;
		this.queue = queue;
	}

	@Override
	public void put(String stepName, long stepExecutionId) {
		// looked up when first used: the flow that owns the channel is built after us
		MessageChannel requests = this.context.getBean(BackfillRemoteAutoConfiguration.REQUESTS, MessageChannel.class);
		if (!requests.send(MessageBuilder.withPayload(new StepExecutionRequest(stepName, stepExecutionId)).build())) {
			throw new IllegalStateException("the partition request was not sent");
		}
	}

	@Override
	public void check() {
		try (Connection connection = this.connectionFactory.createConnection()) {
			if (!connection.isOpen()) {
				throw new AmqpException("the connection closed as it opened");
			}
		}
		catch (AmqpException ex) {
			throw new BackfillException("Cannot reach the RabbitMQ broker at " + this.connectionFactory.getHost() + ":"
					+ this.connectionFactory.getPort() + " for queue '" + this.queue + "' ("
					+ NestedExceptionUtils.getMostSpecificCause(ex).getMessage()
					+ "). Start the broker, or point spring.rabbitmq.host, port, username and password (or "
					+ "spring.rabbitmq.addresses) at it; then run the command again.");
		}
	}

}
