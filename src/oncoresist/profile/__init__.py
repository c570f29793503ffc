"""oncoresist.profile"""
