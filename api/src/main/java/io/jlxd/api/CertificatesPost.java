package io.jlxd.api;

import java.util.List;

/**
 * Body of {@code POST /1.0/certificates}: a trusted caller adds a certificate (PEM or base64 DER) or asks for a
 * trust token ({@code token: true}); an untrusted HTTPS caller presents a {@code trust_token} and is trusted with
 * the client certificate of its TLS connection. {@code password} exists only to be refused clearly: jlxd has no
 * trust passwords.
 */
public record CertificatesPost(String name, String type, Boolean restricted, List<String> projects, String certificate,
                               String description, Boolean token, String trustToken, String password) {
}
