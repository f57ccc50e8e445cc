; exit: 1
; A pattern variable matched under an ellipsis but used without one in the template: an error
; at the definition, at the variable.
(define-syntax keys
  (syntax-rules ()
    ((_ (key value) ...) (list 'key))))
(display "not reached")
