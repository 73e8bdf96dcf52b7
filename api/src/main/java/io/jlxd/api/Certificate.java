package io.jlxd.api;

import java.util.List;

/** A trusted certificate ({@code /1.0/certificates/{fingerprint}}). */
public record Certificate(String name, String type, boolean restricted, List<String> projects, String certificate,
                          String fingerprint, String description) {
}
