module goft

go 1.26

require github.com/scigolib/hdf5 v0.14.1
