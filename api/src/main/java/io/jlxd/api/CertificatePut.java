package io.jlxd.api;

import java.util.List;

/**
 * The writable fields of a trusted certificate ({@code PUT/PATCH /1.0/certificates/{fingerprint}}): LXD's
 * {@code CertificatePut}. A different {@code certificate} replaces the certificate (and so the fingerprint).
 */
public record CertificatePut(String name, String type, Boolean restricted, List<String> projects, String certificate,
                             String description) {
}
