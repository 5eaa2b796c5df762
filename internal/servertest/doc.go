// Package servertest serves a DB over real TCP for the tests of the server
// and of its clients. It is apart from package testutil, which the server's
// own in-package tests import.
package servertest
