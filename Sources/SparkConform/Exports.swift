/// Clients of the library work with its JSON values directly: they come with it.
@_exported import SparkConformJSON
