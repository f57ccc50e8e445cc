; (exit) with no argument ends the program with status 0.
(display "bye") (newline)
(exit)
(display "never printed") (newline)
