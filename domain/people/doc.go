// Package people holds the rules about a company's employees that do not
// need a database: which text a field may hold, how an email address is
// normalised, how a job title becomes a catalog role, how an employee import
// file is read and its rows checked, and when a reporting line makes a cycle.
// It does no I/O; the use cases in tenants/app apply these rules to stored
// employees.
package people
