package io.plugboard.host.internal.registry;

import java.util.Optional;
import java.util.function.Supplier;

import org.osgi.service.log.Logger;

import io.plugboard.api.registry.PluginInfo;
import io.plugboard.api.state.HandedOverState;
import io.plugboard.api.state.LiveStateHandover;
import io.plugboard.host.internal.state.StateLedger;

/**
 * The live handover of a blue/green switch: when a type switches between two running versions of
 * one plugin and both implement {@link LiveStateHandover}, the old one hands its state over (and
 * refuses calls from then on, which the stand-ins retry on the new one) and the new one takes it
 * over before it serves. If the new one cannot, the old one takes its state back. Plugins that do
 * not take part switch as before. Keeps no reference to either plugin after the call.
 */
final class LiveStateSwitch implements VersionSwitch {

    private final Logger logger;
    private final Supplier<StateLedger> ledger;

    /** @param ledger the host's state ledger, told of each handover; may supply null */
    LiveStateSwitch(Logger logger, Supplier<StateLedger> ledger) {
        this.logger = logger;
        this.ledger = ledger;
    }

    @Override
    public Optional<String> handOver(PluginInfo from, Object fromService, PluginInfo to, Object toService,
            boolean fromStays) {
        boolean fromTakesPart = fromService instanceof LiveStateHandover;
        boolean toTakesPart = toService instanceof LiveStateHandover;
        if (!fromTakesPart || !toTakesPart) {
            if (fromTakesPart || toTakesPart) {
                logger.warn("{} now serves instead of {} without their state: only {} hands state over live",
                        TypeSlot.describe(to), TypeSlot.describe(from), TypeSlot.describe(fromTakesPart ? from : to));
            }
            return Optional.empty();
        }
        LiveStateHandover outgoing = (LiveStateHandover) fromService;
        LiveStateHandover incoming = (LiveStateHandover) toService;
        byte[] state;
        try {
            state = outgoing.handOverLive();
        } catch (RuntimeException e) {
            // The contract: it threw before changing anything, so it still serves with its state.
            return refuse(from, to, fromStays, TypeSlot.describe(from) + " could not hand its state over: " + e);
        }
        if (state == null) {
            return refuse(from, to, fromStays, TypeSlot.describe(from) + " handed over no state (null)");
        }
        try {
            incoming.takeOverLive(new HandedOverState(from.version(), state));
        } catch (RuntimeException e) {
            String why = TypeSlot.describe(to) + " cannot take over the state of " + TypeSlot.describe(from) + ": "
                    + (e.getMessage() == null ? e.toString() : e.getMessage());
            return giveBack(outgoing, from, to, fromStays, state, why);
        }
        logger.info("State of plugin {} handed over live from {} to {}: {} bytes", from.name(),
                TypeSlot.describe(from), TypeSlot.describe(to), state.length);
        StateLedger known = ledger.get();
        if (known != null) {
            known.tookOverLive(from.name(), from.bundleId(), from.version(), to.bundleId(), state.length);
        }
        return Optional.empty();
    }

    /** Returns the state to the version that handed it over, so it can serve (or stop) with it. */
    private Optional<String> giveBack(LiveStateHandover outgoing, PluginInfo from, PluginInfo to, boolean fromStays,
            byte[] state, String why) {
        try {
            outgoing.takeOverLive(new HandedOverState(from.version(), state));
        } catch (RuntimeException e) {
            logger.error("{}; and {} could not take its own state back ({}): its {} bytes are lost", why,
                    TypeSlot.describe(from), e.toString(), state.length);
            return Optional.of(why + "; and " + TypeSlot.describe(from) + " could not take its own state back: "
                    + e.getMessage());
        }
        return refuse(from, to, fromStays, why);
    }

    private Optional<String> refuse(PluginInfo from, PluginInfo to, boolean fromStays, String why) {
        String outcome = fromStays ? why + "; " + TypeSlot.describe(from) + " keeps serving"
                : why + "; " + TypeSlot.describe(to) + " serves without it, as " + TypeSlot.describe(from)
                        + " is going away (it hands its state to the host as it stops)";
        logger.error("{}", outcome);
        return Optional.of(outcome);
    }
}
