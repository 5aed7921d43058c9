module goft

go 1.26
