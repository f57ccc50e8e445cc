; exit: 1
; A handler that returns from a non-continuable raise: the secondary error.
(with-exception-handler
  (lambda (e) 'ignored)
  (lambda () (raise 'oops)))
