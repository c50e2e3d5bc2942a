// Package sandbox is the demo and test environment: a local stand-in for the
// Microsoft identity platform (package identity) and IMAP, POP3 and SMTP
// servers that accept XOAUTH2 with the tokens it issues (package mailserver),
// all on loopback behind TLS from a CA made fresh for each run (package certs).
package sandbox
