package main

import "github.com/cadrehq/cadre/domain/text/extract"

func defaultExtract() extract.Limits { return extract.DefaultLimits() }
