package dev.backfill.boot.remote;

import dev.backfill.PartitionQueue;
import dev.backfill.boot.autoconfigure.BackfillProperties;
import dev.backfill.engine.DefaultBackfillOperator;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.amqp.dsl.Amqp;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.dsl.IntegrationFlow;

/**
 * Hands the partitions of runs started with {@code --remote} to worker processes over
 * RabbitMQ, with Spring Integration's AMQP adapters and Spring Batch Integration's
 * {@link StepExecutionRequest}: a run puts each partition on a durable queue, and
 * {@code backfill worker} consumes it, one partition per thread at a time, acknowledging
 * a message only once its partition ended, so that the broker hands the partition of a
 * worker that died to another. Needs spring-boot-starter-amqp, spring-integration-amqp
 * and spring-batch-integration, and a broker ({@code spring.rabbitmq.*}).
 *
 * @since 0.2.0
 */
@AutoConfiguration(
		afterName = { "org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
				"org.springframework.boot.integration.autoconfigure.IntegrationAutoConfiguration" },
		beforeName = "dev.backfill.boot.autoconfigure.BackfillAutoConfiguration")
@ConditionalOnBooleanProperty(name = "backfill.enabled", matchIfMissing = true)
@ConditionalOnClass({ RabbitTemplate.class, Amqp.class, StepExecutionRequest.class })
@ConditionalOnBean(ConnectionFactory.class)
@EnableIntegration
@EnableConfigurationProperties(BackfillProperties.class)
public final class BackfillRemoteAutoConfiguration {

	/** The channel partitions are sent on, to the queue. */
	static final String REQUESTS = "backfillPartitionRequests";

	/** The adapter that takes partitions from the queue, started by backfill worker. */
	static final String WORKER = "backfillPartitionWorker";

	@Bean
	@ConditionalOnMissingBean(name = "backfillPartitionsQueue")
	Queue backfillPartitionsQueue(BackfillProperties properties) {
		return new Queue(properties.getRemote().getQueue(), true);
	}

	@Bean
	IntegrationFlow backfillPartitionRequestsFlow(RabbitTemplate rabbitTemplate, BackfillProperties properties) {
		return IntegrationFlow.from(REQUESTS)
			.transform(StepExecutionRequest.class, PartitionMessages::toText)
			.handle(Amqp.outboundAdapter(rabbitTemplate).routingKey(properties.getRemote().getQueue()))
			.get();
	}

	@Bean
	@ConditionalOnMissingBean
	PartitionQueue backfillPartitionQueue(ApplicationContext context, ConnectionFactory connectionFactory,
			BackfillProperties properties) {
		return new RabbitPartitionQueue(context, connectionFactory, properties.getRemote().getQueue());
	}

	@Bean
	IntegrationFlow backfillPartitionWorkerFlow(ConnectionFactory connectionFactory, BackfillProperties properties,
			ObjectProvider<DefaultBackfillOperator> operator) {
		BackfillProperties.Remote remote = properties.getRemote();
		return IntegrationFlow
			.from(Amqp.inboundAdapter(connectionFactory, remote.getQueue())
				.configureContainer((container) -> container.concurrentConsumers(remote.getWorkerThreads())
					// one partition per thread: the others stay on the queue for other
					// workers
					.prefetchCount(1)
					.defaultRequeueRejected(false))
				.autoStartup(false)
				.id(WORKER))
			.transform(String.class, PartitionMessages::fromText)
			.handle(StepExecutionRequest.class, (request, headers) -> {
				operator.getObject().work(request.getStepName(), request.getStepExecutionId());
				return null;
			})
			.get();
	}

	@Bean
	@ConditionalOnMissingBean
	PartitionWorkers backfillPartitionWorkers(ApplicationContext context, BackfillProperties properties,
			PartitionQueue queue, ObjectProvider<DefaultBackfillOperator> operator) {
		return new PartitionWorkers(context, WORKER, properties, queue, operator);
	}

}
