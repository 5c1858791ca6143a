package org.ppc440vm.api.device;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A device's state as a value: what a hot-swap carries from the old implementation to the new one, and what a
 * snapshot saves. It names the device type and a format version; an implementation that cannot read a version refuses
 * the import (with a message saying which versions it reads), and the swap is abandoned with the old instance still
 * running.
 *
 * <p>Fields are named; values are {@code Long}, {@code String}, {@code byte[]} or {@code long[]} (copied in and out,
 * so a state never changes after it is made).
 */
public final class DeviceState {
    private final String deviceType;
    private final int version;
    private final Map<String, Object> fields;

    private DeviceState(String deviceType, int version, Map<String, Object> fields) {
        this.deviceType = deviceType;
        this.version = version;
        this.fields = Collections.unmodifiableMap(fields);
    }

    public static Builder builder(String deviceType, int version) {
        return new Builder(deviceType, version);
    }

    public String deviceType() {
        return deviceType;
    }

    public int version() {
        return version;
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }

    public long getLong(String field) {
        return (Long) require(field);
    }

    public String getString(String field) {
        return (String) require(field);
    }

    public byte[] getBytes(String field) {
        return ((byte[]) require(field)).clone();
    }

    public long[] getLongs(String field) {
        return ((long[]) require(field)).clone();
    }

    public Iterable<String> fieldNames() {
        return fields.keySet();
    }

    private Object require(String field) {
        Object v = fields.get(field);
        if (v == null) {
            throw new IllegalArgumentException(deviceType + " state v" + version + " has no field '" + field + "'");
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DeviceState)) {
            return false;
        }
        DeviceState s = (DeviceState) o;
        if (!deviceType.equals(s.deviceType) || version != s.version || !fields.keySet().equals(s.fields.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            if (!Arrays.deepEquals(new Object[] {e.getValue()}, new Object[] {s.fields.get(e.getKey())})) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return deviceType.hashCode() * 31 + version;
    }

    @Override
    public String toString() {
        return deviceType + " state v" + version + " " + fields.keySet();
    }

    /** Collects the fields of a new state. */
    public static final class Builder {
        private final String deviceType;
        private final int version;
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Builder(String deviceType, int version) {
            if (deviceType == null || deviceType.isEmpty() || version < 1) {
                throw new IllegalArgumentException("a device state needs a type and a version >= 1");
            }
            this.deviceType = deviceType;
            this.version = version;
        }

        public Builder put(String field, long value) {
            fields.put(field, value);
            return this;
        }

        public Builder put(String field, String value) {
            fields.put(field, value);
            return this;
        }

        public Builder put(String field, byte[] value) {
            fields.put(field, value.clone());
            return this;
        }

        public Builder put(String field, long[] value) {
            fields.put(field, value.clone());
            return this;
        }

        public DeviceState build() {
            return new DeviceState(deviceType, version, new LinkedHashMap<>(fields));
        }
    }
}
