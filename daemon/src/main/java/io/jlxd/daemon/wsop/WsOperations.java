package io.jlxd.daemon.wsop;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The channel sets of live websocket operations, by operation id. Work removes its set when it ends. */
public final class WsOperations {
    private final Map<String, WsChannelSet> sets = new ConcurrentHashMap<>();

    public void register(String operationId, WsChannelSet set) {
        sets.put(operationId, set);
    }

    public void remove(String operationId) {
        sets.remove(operationId);
    }

    public Optional<WsChannelSet> find(String operationId) {
        return Optional.ofNullable(sets.get(operationId));
    }
}
