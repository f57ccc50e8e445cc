# Warnings: -Wall -Wextra everywhere in the project, kept at zero.
add_compile_options(-Wall -Wextra -Wno-unused-parameter)
