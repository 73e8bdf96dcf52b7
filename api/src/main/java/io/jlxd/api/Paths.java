package io.jlxd.api;

/** URL builders for resources, so that no code spells "/1.0/..." by hand twice. */
public final class Paths {
    public static final String API = "/1.0";
    public static final String OPERATIONS = API + "/operations";
    public static final String EVENTS = API + "/events";
    public static final String CERTIFICATES = API + "/certificates";

    private Paths() {
    }

    public static String operation(String id) {
        return OPERATIONS + "/" + id;
    }
}
