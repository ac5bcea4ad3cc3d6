package dev.backfill.faults;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;

import org.springframework.batch.core.repository.JobRepository;

/**
 * A JobRepository whose every call goes through a {@link FaultInjector} as event
 * {@code repo.METHOD}, with the argument type for the overloaded updates:
 * {@code repo.update(StepExecution)}.
 */
final class CountingJobRepository {

	private static final Set<String> OVERLOADED = Set.of("update", "updateExecutionContext", "getStepExecution",
			"getLastJobExecution", "getJobInstance");

	private CountingJobRepository() {
	}

	static JobRepository wrap(JobRepository target, FaultInjector injector) {
		return (JobRepository) Proxy.newProxyInstance(CountingJobRepository.class.getClassLoader(),
				new Class<?>[] { JobRepository.class }, (proxy, method, args) -> switch (method.getName()) {
					case "equals" -> proxy == args[0];
					case "hashCode" -> System.identityHashCode(proxy);
					case "toString" -> "counting " + target;
					default ->
						injector.repository(event(method), () -> InterceptedDataSource.invoke(target, method, args));
				});
	}

	/**
	 * @return the event of a call
	 */
	static String event(Method method) {
		if (!OVERLOADED.contains(method.getName())) {
			return "repo." + method.getName();
		}
		StringBuilder types = new StringBuilder();
		for (Class<?> type : method.getParameterTypes()) {
			types.append((types.length() > 0) ? ", " : "").append(type.getSimpleName());
		}
		return "repo." + method.getName() + "(" + types + ")";
	}

}
