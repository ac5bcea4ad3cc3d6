package dev.backfill.faults;

import java.util.EnumSet;
import java.util.Set;

/**
 * A point of a scenario by where it is, found in each variant's {@link Trace}: the n-th
 * time an event happens in a phase, and the faults tried there.
 *
 * @param phase {@code launch}, {@code restart}, {@code recover}, {@code batch N},
 * {@code last batch}, {@code finish}
 * @param event the event, or {@code sql.commit@EVENT} for the commit of a call
 * @param nth which time in the phase, from 1
 * @param lockSession whether lost connections hit the run lock's session
 * @param faults the faults tried there
 */
record PointSpec(String phase, String event, int nth, boolean lockSession, Set<Fault> faults) {

	private static final Set<Fault> CALL = EnumSet.of(Fault.HALT_BEFORE, Fault.HALT_AFTER, Fault.TERMINATED,
			Fault.BROKEN);

	/**
	 * A JobRepository call or a statement: halted before and after it, its connection
	 * lost before it.
	 */
	static PointSpec call(String phase, String event) {
		return call(phase, event, 1);
	}

	static PointSpec call(String phase, String event, int nth) {
		return new PointSpec(phase, event, nth, false, CALL);
	}

	/** A commit: as a call, and its reply lost after it committed. */
	static PointSpec commit(String phase, String event) {
		return commit(phase, event, 1);
	}

	static PointSpec commit(String phase, String event, int nth) {
		return new PointSpec(phase, event, nth, false, EnumSet.allOf(Fault.class));
	}

	/** The run lock's session lost (57P01, 08006) while the command is at an event. */
	static PointSpec lockSession(String phase, String event) {
		return new PointSpec(phase, event, 1, true, EnumSet.of(Fault.TERMINATED, Fault.BROKEN));
	}

	String key() {
		return this.phase + " " + this.event + " " + this.nth + " " + this.lockSession;
	}

}
