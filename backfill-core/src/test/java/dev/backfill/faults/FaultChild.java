package dev.backfill.faults;

import com.zaxxer.hikari.HikariDataSource;

/**
 * The child JVM of the matrix: runs one command with a halt at one point. It exits with
 * {@link FaultInjector#HALTED} when it halted there, and 0 or 1 when the command ended
 * without reaching the point. Arguments: database URL, user, password, admin URL,
 * variant, command, point, fault.
 */
public final class FaultChild {

	/** The application name of the child's sessions. */
	static final String CHILD = "fault-child";

	private FaultChild() {
	}

	public static void main(String[] args) throws Exception {
		Variant variant = Variant.decode(args[4]);
		Command command = Command.valueOf(args[5]);
		FaultPoint point = FaultPoint.decode(args[6]);
		Fault fault = Fault.valueOf(args[7]);
		int exit = 0;
		try (Sessions sessions = new Sessions(args[3], args[1], args[2]);
				HikariDataSource pool = InterceptedOperators.pool(args[0], args[1], args[2], CHILD)) {
			FaultInjector injector = FaultInjector.striking(sessions, point, fault);
			Object result = command.apply(InterceptedOperators.operator(pool, injector, variant.backfill()),
					variant.name());
			System.out.println("finished without reaching " + point.label() + ": " + result + " " + injector.notes());
		}
		catch (Throwable ex) {
			System.out.println("failed without reaching " + point.label() + ": " + ex);
			ex.printStackTrace(System.out);
			exit = 1;
		}
		System.exit(exit);
	}

}
