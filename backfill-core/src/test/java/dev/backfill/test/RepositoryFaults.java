package dev.backfill.test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * A job repository that fails the next calls of a method as a lost connection would: with
 * SQLSTATE {@code 57P01} (the backend was terminated), before the call reaches the
 * database.
 */
public final class RepositoryFaults {

	private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

	private final AtomicInteger completedUpdates = new AtomicInteger();

	private volatile int failCompletedUpdate;

	/** Fails the next {@code times} calls of the method with a lost connection. */
	public RepositoryFaults failNext(String method, int times) {
		this.failures.put(method, new AtomicInteger(times));
		return this;
	}

	/**
	 * Fails the n-th {@code update(JobExecution)} of an execution that completed: the
	 * job's end is saved by then, and what is lost is the rest of its bookkeeping.
	 */
	public RepositoryFaults failCompletedUpdate(int n) {
		this.failCompletedUpdate = n;
		return this;
	}

	/** Wraps a repository; pass as {@code faults::wrap}. */
	public JobRepository wrap(JobRepository target) {
		return (JobRepository) Proxy.newProxyInstance(JobRepository.class.getClassLoader(),
				new Class<?>[] { JobRepository.class }, (proxy, method, args) -> invoke(target, method, args));
	}

	private Object invoke(JobRepository target, Method method, Object[] args) throws Throwable {
		AtomicInteger left = this.failures.get(method.getName());
		if (left != null && left.getAndDecrement() > 0) {
			throw lostConnection(method.getName());
		}
		if (method.getName().equals("update") && args[0] instanceof JobExecution execution
				&& execution.getStatus() == BatchStatus.COMPLETED
				&& this.completedUpdates.incrementAndGet() == this.failCompletedUpdate) {
			throw lostConnection("update of a completed job execution");
		}
		try {
			return method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	public static DataAccessResourceFailureException lostConnection(String where) {
		return new DataAccessResourceFailureException("injected at " + where,
				new SQLException("terminating connection due to administrator command", "57P01"));
	}

}
