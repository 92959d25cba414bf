"""Who the caller is: token verification and the claims API Gateway hands over."""
