package dev.backfill.test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * A job repository that fails the next calls of a method as a lost connection would: with SQLSTATE {@code 57P01}
 * (the backend was terminated), before the call reaches the database.
 */
public final class RepositoryFaults {

	private final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

	/** Fails the next {@code times} calls of the method with a lost connection. */
	public RepositoryFaults failNext(String method, int times) {
		this.failures.put(method, new AtomicInteger(times));
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
